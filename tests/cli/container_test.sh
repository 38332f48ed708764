#!/usr/bin/env bash
# deploy/Containerfile without building the image (no registry here): the Debian packages it installs
# are exactly those the binary's shared libraries (ldd) come from, less what debian:12-slim already
# has, plus ca-certificates; and every library ldd resolves belongs to one of those packages or to
# their dependencies (dpkg-query), so the image can load the binary. Needs a Debian host (dpkg).
# Usage: container_test.sh BINARY CONTAINERFILE
B=$1 CF=$2
. "$(dirname "$0")/lib.sh"
command -v dpkg-query > /dev/null || { echo "dpkg not found (not Debian): skipped"; exit 77; }
python3 - "$B" "$CF" <<'PY' && pass || fail "the Containerfile's runtime packages and the binary's libraries differ"
import re, subprocess, sys
binary, containerfile = sys.argv[1:3]
# Packages every debian:12-slim image has (required priority; apt itself needs libstdc++6).
base = {"libc6", "libgcc-s1", "libstdc++6"}
text = open(containerfile).read()
m = re.search(r"apt-get install -y --no-install-recommends ([^\\&\n]+)", text)
assert m, "no apt-get install line in " + containerfile
installed = set(m.group(1).split())

def packages_of(paths):
    """{path: package} in one dpkg -S call (one call per library takes seconds of CPU)."""
    # /lib is a symlink to /usr/lib on Debian 12: dpkg knows one of the two spellings.
    def other(p):
        return p.replace("/lib/", "/usr/lib/", 1) if not p.startswith("/usr/") else p.replace("/usr/lib/", "/lib/", 1)
    query = sorted(set(paths) | {other(p) for p in paths})
    out = subprocess.run(["dpkg", "-S"] + query, capture_output=True, text=True)  # 1 when some spelling is unknown
    owner = {}
    for line in out.stdout.splitlines():
        pkg, _, path = line.partition(": ")
        owner[path.strip()] = pkg.split(":")[0].strip()
    return {p: owner.get(p) or owner.get(other(p)) or "(no package owns " + p + ")" for p in paths}

def resolved():
    libs = {}
    for line in subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout.splitlines():
        m = re.match(r"\s*(\S+) => (\S+)", line)
        if m: libs[m.group(1)] = m.group(2)
    return libs

libs = resolved()
owner = packages_of(list(libs.values()))
needed = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
direct = re.findall(r"\(NEEDED\)\s+Shared library: \[(\S+)\]", needed)
direct_pkgs = {owner[libs[so]] for so in direct if so in libs}
problems = []
for so in direct:
    if so not in libs and not so.startswith("ld-linux"):
        problems.append("ldd does not resolve " + so)
missing = direct_pkgs - base - installed
extra = installed - direct_pkgs - {"ca-certificates"}
if missing: problems.append("not installed: " + ", ".join(sorted(missing)))
if extra: problems.append("installed but the binary needs none of their libraries: " + ", ".join(sorted(extra)))

def all_depends():
    """{package: the first alternative of each Depends/Pre-Depends}, every installed package in one call."""
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\\t${Depends},${Pre-Depends}\\n"],
                         capture_output=True, text=True, check=True)
    deps = {}
    for line in out.stdout.splitlines():
        pkg, _, rest = line.partition("\t")
        names = deps.setdefault(pkg, set())
        for alt in rest.split(","):
            alt = alt.strip()
            if alt: names.add(re.split(r"[\s(:]", alt.split("|")[0].strip())[0])
    return deps

deps = all_depends()
closure, pending = set(), list(installed | base)
while pending:
    p = pending.pop()
    if p in closure: continue
    closure.add(p)
    pending.extend(deps.get(p, set()) - closure)
for so, path in sorted(libs.items()):
    pkg = owner[path]
    if pkg not in closure: problems.append(so + " (" + pkg + ") would be missing from the image")
for p in problems: print("  " + p, file=sys.stderr)
print("direct:", sorted(direct_pkgs), "installed:", sorted(installed), file=sys.stderr)
sys.exit(1 if problems else 0)
PY
grep -q '^USER 65532' "$CF" && pass || fail "the image does not run as uid 65532"
grep -q '^FROM docker.io/library/debian:12-slim' "$CF" && pass || fail "the base is not debian:12-slim"
finish
