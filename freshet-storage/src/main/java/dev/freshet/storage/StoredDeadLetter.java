package dev.freshet.storage;

/**
 * A dead letter with the id the store gave it.
 *
 * @param id     increases with every stored letter: newer letters have larger ids
 * @param letter the letter
 */
public record StoredDeadLetter(long id, DeadLetterRecord letter) {
}
