#!/usr/bin/env bash
# scripts/package: the krew archive and manifest. The manifest passes krew's own rules
# (internal/index/validation/validate.go: apiVersion and kind, a safe name equal to the file's,
# a one-line shortDescription, a v-prefixed semver, platforms with an os/arch selector, uri,
# a sha256 that is the archive's, bin, files with from and to); the archive installs as krew lays it
# out (files copied into the plugin's directory, bin linked onto PATH) and runs as a kubectl plugin
# from a scratch PATH, with its completion helper. The packaged binary is under 5 MB.
# Usage: package_test.sh BINARY SOURCE_DIR
B=$1 SRC=$2
. "$(dirname "$0")/lib.sh"
DIST="$TMP/dist"
MANIFEST="$TMP/krew/workload-update.yaml"
expect_status 2 "no --uri-base" -- "$SRC/scripts/package" --binary "$B" --dist "$DIST" --manifest "$MANIFEST"
expect_in "$TMP/err" "pass --uri-base URL" "the missing URL named"
expect_status 0 "scripts/package" -- "$SRC/scripts/package" --binary "$B" --dist "$DIST" --manifest "$MANIFEST" \
  --uri-base "file://$DIST"
ARCHIVE="$DIST/kubectl-workload_update-linux-amd64.tar.gz"
[ -f "$ARCHIVE" ] && pass || fail "no archive"

python3 - "$MANIFEST" "$ARCHIVE" "$SRC/CMakeLists.txt" > "$TMP/manifest.out" 2>&1 <<'PY'
import hashlib, os, re, sys
import yaml
manifest, archive, cmakelists = sys.argv[1:4]
m = yaml.safe_load(open(manifest))
bad = []
def need(cond, what):
    if not cond:
        bad.append(what)
name = os.path.splitext(os.path.basename(manifest))[0]
need(m.get("apiVersion") == "krew.googlecontainertools.github.com/v1alpha2", "apiVersion")
need(m.get("kind") == "Plugin", "kind")
need(re.fullmatch(r"[\w-]+", m["metadata"]["name"] or "") is not None, "a safe plugin name")
need(m["metadata"]["name"] == name, "metadata.name is the file's name (%s)" % name)
spec = m["spec"]
sd = spec.get("shortDescription") or ""
need(sd and "\n" not in sd and "\r" not in sd, "a one-line shortDescription")
version = re.search(r"project\(workload_update VERSION ([0-9.]+)", open(cmakelists).read()).group(1)
need(re.fullmatch(r"v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", spec.get("version") or "") is not None, "v-prefixed semver")
need(spec.get("version") == "v" + version, "the version is the project's (v%s)" % version)
need("KubeVirt" in (spec.get("caveats") or ""), "caveats name the KubeVirt requirement")
need("virtualmachineinstancemigrations" in (spec.get("caveats") or ""), "caveats name the rights a run needs")
plats = spec.get("platforms") or []
need(len(plats) == 1, "one platform")
sha = hashlib.sha256(open(archive, "rb").read()).hexdigest()
for p in plats:
    sel = p.get("selector") or {}
    keys = set((sel.get("matchLabels") or {}).keys()) | {e["key"] for e in sel.get("matchExpressions") or []}
    need(keys and keys <= {"os", "arch"}, "a selector on os/arch only")
    need(sel.get("matchLabels") == {"os": "linux", "arch": "amd64"}, "linux/amd64")
    need(p.get("uri", "").endswith("/kubectl-workload_update-linux-amd64.tar.gz"), "uri names the archive")
    need(re.fullmatch(r"[a-f0-9]{64}", p.get("sha256") or "") is not None, "sha256 pattern")
    need(p.get("sha256") == sha, "sha256 is the archive's")
    need(p.get("bin") == "kubectl-workload_update", "bin")
    files = p.get("files")
    need(files is None or (files and all(f.get("from") and f.get("to") for f in files)), "files with from and to")
print("\n".join(bad) if bad else "manifest ok")
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] && pass || { fail "manifest against krew's rules"; cat "$TMP/manifest.out" >&2; }

# Reproducible: the same binary gives the same archive.
sha1=$(sha256sum "$ARCHIVE" | cut -d' ' -f1)
"$SRC/scripts/package" --binary "$B" --dist "$TMP/dist2" --manifest "$TMP/krew2.yaml" --uri-base "file://$DIST" > /dev/null 2>&1
[ "$(sha256sum "$TMP/dist2/kubectl-workload_update-linux-amd64.tar.gz" | cut -d' ' -f1)" = "$sha1" ] && pass ||
  fail "packaging twice gives different archives"
grep -q "$sha1  kubectl-workload_update-linux-amd64.tar.gz" "$DIST/kubectl-workload_update-linux-amd64.tar.gz.sha256" && pass ||
  fail "the .sha256 file"

# As krew installs it: the files into the plugin's directory, bin linked as kubectl-workload_update.
STORE="$TMP/krew-root/store/workload-update/v0.1.0"
mkdir -p "$STORE" "$TMP/krew-root/bin" "$TMP/extract"
tar -xzf "$ARCHIVE" -C "$TMP/extract"
for f in kubectl-workload_update kubectl_complete-workload_update LICENSE; do
  cp "$TMP/extract/$f" "$STORE/" && pass || fail "archive lacks $f"
done
ln -s "$STORE/kubectl-workload_update" "$TMP/krew-root/bin/kubectl-workload_update"
size=$(stat -c %s "$STORE/kubectl-workload_update")
[ "$size" -lt $((5 * 1024 * 1024)) ] && pass || fail "the packaged binary is $size bytes, over 5 MB"
if command -v kubectl > /dev/null; then
  KDIR="$TMP/kubectl-only"
  mkdir -p "$KDIR"
  ln -s "$(command -v kubectl)" "$KDIR/kubectl"
  SCRATCH="$TMP/krew-root/bin:$KDIR:/bin"
  expect_status 0 "kubectl plugin list finds it" -- env PATH="$SCRATCH" kubectl plugin list
  expect_in "$TMP/out" "kubectl-workload_update" "listed"
  expect_status 0 "kubectl workload-update version" -- env PATH="$SCRATCH" kubectl workload-update version
  expect_in "$TMP/out" "0.1.0" "the packaged version runs"
  # The completion helper, on PATH as the caveats say.
  ln -s "$STORE/kubectl_complete-workload_update" "$TMP/krew-root/bin/kubectl_complete-workload_update"
  expect_status 0 "kubectl completes the plugin" -- env PATH="$SCRATCH" kubectl __complete workload-update ""
  expect_in "$TMP/out" "plan" "subcommands completed"
else
  expect_status 0 "the packaged binary runs" -- "$TMP/krew-root/bin/kubectl-workload_update" version
fi
finish
