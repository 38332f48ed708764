#!/usr/bin/env bash
# End-to-end checks of `validate` through the real binary: exit statuses, streams, formats, inputs.
# Usage: validate_cli_test.sh BINARY DATA_DIR REFERENCE_DIR
B=$1 DATA=$2 REF=$3
. "$(dirname "$0")/lib.sh"

expect_status 0 "valid shipped CR" -- "$B" validate -f "$DATA/hco.cr.yaml"
expect_in "$TMP/out" "0 errors, 0 warnings" "summary line"

expect_status 1 "invalid CR" -- "$B" validate -f "$DATA/invalid-hco.yaml"
expect_in "$TMP/out" "invalid-hco.yaml:10:28: error: time: unknown unit \"d\" in duration \"1d\"" "compiler-style error line"
expect_in "$TMP/out" "[InvalidDuration]" "stable code"

# JSON contract
expect_status 1 "json output" -- "$B" validate -f "$DATA/invalid-hco.yaml" -o json
python3 - "$TMP/out" <<'PY' && pass || fail "json contract"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is False and d["kind"] == "ValidationResult"
f = d["findings"][0]
for k in ["file", "document", "severity", "code", "path", "line", "column", "message", "hint"]:
    assert k in f, k
doc = d["documents"][0]
for k in ["file", "index", "kind", "apiVersion", "name", "namespace", "effective"]:
    assert k in doc, k
for k in ["workloadUpdateMethods", "batchEvictionSize", "batchEvictionInterval", "liveMigration", "evictionStrategy"]:
    assert k in doc["effective"], k
PY
expect_status 0 "yaml output" -- "$B" validate -f "$DATA/hco.cr.yaml" -o yaml
expect_in "$TMP/out" "kind: ValidationResult" "yaml output kind"
expect_in "$TMP/out" "batchEvictionInterval: 1m0s" "yaml effective"
expect_status 1 "junit output" -- "$B" validate -f "$DATA/invalid-hco.yaml" -o junit
expect_in "$TMP/out" "<testsuites name=\"workload-update validate\"" "junit root"
expect_in "$TMP/out" "<failure type=" "junit failure"

# --strict gates on warnings; the warning-only file is otherwise valid.
expect_status 0 "warnings only" -- "$B" validate -f "$DATA/advisory-hco.yaml"
expect_status 1 "--strict" -- "$B" validate -f "$DATA/advisory-hco.yaml" --strict

# stdin, directories, multi-doc, List
"$B" validate -f - < "$DATA/hco.cr.yaml" > "$TMP/out" 2>&1 && pass || fail "stdin"
expect_in "$TMP/out" "<stdin>:" "stdin name"
mkdir -p "$TMP/dir/sub"; cp "$DATA/hco.cr.yaml" "$TMP/dir/sub/a.yml"; cp "$DATA/hco.cr.yaml" "$TMP/dir/b.json.txt"
expect_status 0 "directory" -- "$B" validate -f "$TMP/dir"
expect_in "$TMP/out" "sub/a.yml" "recursive directory"
expect_not_in "$TMP/out" "b.json.txt" "only yaml/yml/json files"

# Field validation modes
printf 'workloadUpdateMethods: [LiveMigrate]\nbogus: 1\n' > "$TMP/unknown.yaml"
expect_status 1 "strict unknown field" -- "$B" validate -f "$TMP/unknown.yaml"
expect_status 0 "warn unknown field" -- "$B" validate -f "$TMP/unknown.yaml" --field-validation=Warn
expect_status 0 "ignore unknown field" -- "$B" validate -f "$TMP/unknown.yaml" --field-validation Ignore
expect_status 2 "bad field validation" -- "$B" validate -f "$TMP/unknown.yaml" --field-validation=Loose

# Exit status 2: bad flags print usage on stderr; unreadable input names the file.
expect_status 2 "unknown flag" -- "$B" validate --bogus
expect_in "$TMP/err" "Usage:" "usage on stderr"
expect_status 2 "no input" -- "$B" validate
expect_status 2 "bad -o" -- "$B" validate -f "$DATA/hco.cr.yaml" -o xml
expect_in "$TMP/err" "use one of: text, json, yaml, junit" "formats listed"
expect_status 2 "missing file" -- "$B" validate -f "$TMP/nope.yaml"
expect_in "$TMP/err" "nope.yaml: no such file or directory" "missing file named"

# Hostile input: clear error, exit 2, no crash or hang.
head -c 4096 /dev/urandom > "$TMP/garbage.bin"
expect_status 2 "garbage" -- timeout 20 "$B" validate -f "$TMP/garbage.bin"
: > "$TMP/empty.yaml"
expect_status 2 "empty file" -- timeout 20 "$B" validate -f "$TMP/empty.yaml"
expect_in "$TMP/err" "no YAML or JSON documents" "empty named"
printf 'a: b\0c\n' > "$TMP/nul.yaml"
expect_status 2 "NUL byte" -- timeout 20 "$B" validate -f "$TMP/nul.yaml"
expect_in "$TMP/err" "nul.yaml:1:5" "NUL position"
printf 'a: \xc3\x28\n' > "$TMP/utf8.yaml"
expect_status 2 "invalid UTF-8" -- timeout 20 "$B" validate -f "$TMP/utf8.yaml"
python3 -c "print('a: ' + '['*100000 + ']'*100000)" > "$TMP/deep.yaml"
expect_status 2 "100000 levels" -- timeout 20 "$B" validate -f "$TMP/deep.yaml"
expect_in "$TMP/err" "deeper than" "depth guard message"
python3 - > "$TMP/bomb.yaml" <<'PY'
print('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]')
for i in range(ord('b'), ord('j')):
    print(chr(i) + ': &' + chr(i) + ' [' + ','.join(['*' + chr(i - 1)] * 9) + ']')
PY
expect_status 2 "billion laughs" -- timeout 20 "$B" validate -f "$TMP/bomb.yaml"
expect_in "$TMP/err" "excessive aliasing" "alias guard message"
truncate -s 100M "$TMP/huge.yaml"
expect_status 2 "100 MB file" -- timeout 20 "$B" validate -f "$TMP/huge.yaml"
expect_in "$TMP/err" "larger than the 64.0 MiB input limit" "size limit message"
head -c 100000000 /dev/zero | timeout 20 "$B" validate -f - > "$TMP/out" 2> "$TMP/err"
[ $? -eq 2 ] && pass || fail "100 MB on stdin"

# Colour only on a terminal, and never with NO_COLOR.
expect_status 1 "no colour when piped" -- "$B" validate -f "$DATA/invalid-hco.yaml"
expect_not_in "$TMP/out" $'\e[' "no escape codes in a pipe"
if command -v script >/dev/null; then
  script -qec "$B validate -f $DATA/invalid-hco.yaml" /dev/null > "$TMP/tty.out" 2>&1
  expect_in "$TMP/tty.out" $'\e[1;31merror:' "colour on a TTY"
  NO_COLOR=1 script -qec "$B validate -f $DATA/invalid-hco.yaml" /dev/null > "$TMP/tty.out" 2>&1
  expect_not_in "$TMP/tty.out" $'\e[' "NO_COLOR honoured"
fi

# Every real file from HCO goes through without a crash; the CR is valid and CRDs are skipped.
if [ -d "$REF/hco" ]; then
  for f in "$REF"/hco/*.yaml "$REF"/hco/*.json; do
    "$B" validate -f "$f" > "$TMP/out" 2> "$TMP/err"
    rc=$?
    [ $rc -le 2 ] && pass || fail "$f crashed with $rc"
  done
  expect_status 0 "reference hco.cr.yaml" -- "$B" validate -f "$REF/hco/hco.cr.yaml"
  expect_status 0 "reference CRD is skipped" -- "$B" validate -f "$REF/hco/hco00.crd.yaml"
  expect_in "$TMP/out" "[SkippedKind]" "CRD skipped as another kind"
fi

# version
expect_status 0 "version" -- "$B" version -o json
expect_in "$TMP/out" "\"version\": \"v" "version json"
finish
