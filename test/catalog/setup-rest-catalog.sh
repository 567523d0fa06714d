#!/usr/bin/env bash
# Makes Apache Iceberg's REST catalog server runnable for test/catalog (idempotent; instant when
# cached): resolves the runtime classpath of test/catalog/pom.xml through Maven, compiles the
# loopback launcher (launcher/…/LoopbackRESTCatalogServer.java) against it, and caches both in
#   ${XDG_CACHE_HOME:-~/.cache}/iceberg-rx/rest-catalog/<version-key>/{classpath.txt,classes/}
# where <version-key> is the sha256 of the pom and the launcher source (16 hex digits); the tests
# (rest-catalog-server.ts) compute the same key to find it. Exit status 1 with one line on stderr,
# "REST catalog not set up: <what is missing>", when it cannot be.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
launcher="$here/launcher/org/apache/iceberg/rest/LoopbackRESTCatalogServer.java"
fail() { echo "REST catalog not set up: $1" >&2; exit 1; }
command -v java >/dev/null 2>&1 || fail "java not found (Java 17 needed)"
command -v javac >/dev/null 2>&1 || fail "javac not found (a Java 17 JDK needed)"
key="$(cat "$here/pom.xml" "$launcher" | sha256sum | cut -c1-16)"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/iceberg-rx/rest-catalog"
cached="$cache_root/$key"
ready() { [[ -f "$1/classpath.txt" && -f "$1/classes/org/apache/iceberg/rest/LoopbackRESTCatalogServer.class" && -f "$1/.ready" ]]; }

if ! ready "$cached"; then
  command -v mvn >/dev/null 2>&1 || fail "mvn not found (Maven resolves the server's jars)"
  mkdir -p "$cache_root"
  exec 9>"$cached.lock"
  flock 9
  if ! ready "$cached"; then
    rm -rf "$cached"
    mkdir -p "$cached/classes"
    if ! mvn -q -B -f "$here/pom.xml" dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile="$cached/classpath.txt" >"$cached.log" 2>&1; then
      rm -rf "$cached"
      fail "Maven could not resolve test/catalog/pom.xml ($(grep -m1 -E 'ERROR' "$cached.log" || tail -n 1 "$cached.log"))"
    fi
    if ! javac -nowarn -d "$cached/classes" -cp "$(cat "$cached/classpath.txt")" "$launcher" >>"$cached.log" 2>&1; then
      rm -rf "$cached"
      fail "javac failed on the launcher ($(grep -m1 error "$cached.log" || tail -n 1 "$cached.log"))"
    fi
    touch "$cached/.ready"
    echo "REST catalog server resolved into $cached ($(tr ':' '\n' <"$cached/classpath.txt" | wc -l) jars)"
  fi
  flock -u 9
fi
echo "REST catalog server ready: $cached"
