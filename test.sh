#!/usr/bin/env bash
# Runs every test: unit, property, contract and end-to-end tests of all modules (./mvnw verify).
set -euo pipefail
cd "$(dirname "$0")"
if [ -z "${JAVA_HOME:-}" ]; then
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64; do
    [ -x "$d/bin/java" ] && export JAVA_HOME="$d" && break
  done
fi
exec ./mvnw -B -ntp verify "$@"
