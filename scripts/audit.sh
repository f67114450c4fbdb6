#!/usr/bin/env bash
# pip-audit over requirements.lock: the exact, hashed versions CI installs (`make audit`).
# Exit 0: every locked dependency was checked and none has a known vulnerability.
# Exit 1: vulnerabilities found (listed with the versions that fix them), or the audit itself failed.
# Exit 2: NOT CHECKED — the vulnerability database (PyPI's per-release JSON API) could not be reached
#         for any dependency, so nothing is known either way.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
report="$(mktemp)" log="$(mktemp)"
trap 'rm -f "$report" "$log"' EXIT

"$VENV/bin/pip-audit" --requirement requirements.lock --require-hashes --disable-pip \
  --vulnerability-service pypi --progress-spinner off --format json --output "$report" 2>"$log"
status=$?
if [ ! -s "$report" ]; then
  if grep -qiE "ConnectionError|ConnectTimeout|ReadTimeout|NameResolution|Max retries exceeded" "$log"; then
    echo "audit: NOT CHECKED — the vulnerability database could not be reached: $(grep -m1 -iE 'Error' "$log")" >&2
    exit 2
  fi
  cat "$log" >&2
  exit 1
fi
"$VENV/bin/python" - "$report" "$status" <<'PY'
import json, sys

report = json.load(open(sys.argv[1]))
dependencies = report["dependencies"]
skipped = [d for d in dependencies if d.get("skip_reason")]
vulnerable = [d for d in dependencies if d.get("vulns")]
for d in vulnerable:
    for v in d["vulns"]:
        fixes = ", ".join(v.get("fix_versions") or []) or "no fixed release yet"
        print(f"VULNERABLE {d['name']} {d['version']}: {v['id']} (fixed in {fixes})")
if vulnerable:
    print(f"audit: {len(vulnerable)} of {len(dependencies)} locked dependencies have known vulnerabilities")
    sys.exit(1)
if skipped and len(skipped) == len(dependencies):
    print(
        f"audit: NOT CHECKED — none of the {len(dependencies)} locked dependencies could be looked up "
        f"({skipped[0]['skip_reason']}); the vulnerability database is not reachable from here"
    )
    sys.exit(2)
for d in skipped:
    print(f"audit: not checked: {d['name']} — {d['skip_reason']}")
checked = len(dependencies) - len(skipped)
print(f"audit: no known vulnerabilities in {checked} locked dependencies")
sys.exit(0 if sys.argv[2] in ("0", "1") else int(sys.argv[2]))
PY
