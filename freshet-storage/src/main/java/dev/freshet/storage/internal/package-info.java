/** Helpers shared by the storage implementations; not an API. */
package dev.freshet.storage.internal;
