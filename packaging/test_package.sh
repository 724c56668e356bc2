#!/usr/bin/env bash
# Checks a built voronka .deb without installing it on this machine (`make package-test`):
#   1. its contents (dpkg-deb -c): the server, the web UI, the shipped YAML, the systemd unit,
#      the configuration file marked as a conffile, the maintainer scripts;
#   2. the unit's hardening (own user, ProtectSystem=strict, NoNewPrivileges, StateDirectory);
#   3. the extracted server runs: migrates a fresh database in a temporary directory, serves
#      the web UI from the packaged files and answers /healthz and /readyz.
# Installing for real (dpkg -i, a user created, the service started) needs root and systemd:
# in a clean Debian 12 container or VM run `dpkg -i voronka_*.deb && systemctl status voronka`
# and `curl -s localhost:8080/readyz`.
set -euo pipefail
deb=${1:?usage: packaging/test_package.sh path/to/voronka_*.deb}
fail() { echo "FAIL: $*" >&2; exit 1; }
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/voronka ./usr/share/voronka/web/index.html ./usr/share/voronka/processes/it_studio.yaml \
         ./usr/share/voronka/processes/scoring/it_studio.yaml ./usr/share/voronka/processes/calendars/ru_2026.yaml \
         ./etc/voronka/voronka.conf; do
  grep -q " $f\$" <<<"$contents" || fail "$f is not in the package"
done
grep -Eq ' \./(usr/)?lib/systemd/system/voronka\.service$' <<<"$contents" || fail "the systemd unit is not in the package"
control=$(mktemp -d)
trap 'rm -rf "$control"' EXIT
dpkg-deb -e "$deb" "$control/DEBIAN"
grep -qx /etc/voronka/voronka.conf "$control/DEBIAN/conffiles" || fail "voronka.conf is not a conffile"
for s in postinst prerm postrm; do [ -x "$control/DEBIAN/$s" ] || fail "no $s script"; done
grep -q 'adduser --system' "$control/DEBIAN/postinst" || fail "postinst does not create the voronka user"

root=$control/root
dpkg-deb -x "$deb" "$root"
unit=$(ls "$root"/usr/lib/systemd/system/voronka.service "$root"/lib/systemd/system/voronka.service 2>/dev/null | head -1 || true)
for line in User=voronka ProtectSystem=strict NoNewPrivileges=yes StateDirectory=voronka \
            EnvironmentFile=/etc/voronka/voronka.conf; do
  grep -qx "$line" "$unit" || fail "the unit lacks $line"
done
if command -v systemd-analyze >/dev/null; then systemd-analyze verify "$unit" 2>&1 | grep -v 'Failed to\|not found\|is not executable' || true; fi

bin=$root/usr/bin/voronka
state=$control/state
mkdir -p "$state"
"$bin" migrate --db "$state/voronka.db" >/dev/null
"$bin" serve --db "$state/voronka.db" --listen 127.0.0.1:0 --port-file "$state/port" \
  --web "$root/usr/share/voronka/web" >"$state/log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$state/port" ] && break; sleep 0.1; done
[ -s "$state/port" ] || { kill $pid; cat "$state/log"; fail "the packaged server did not start"; }
port=$(cat "$state/port")
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || fail "/healthz"
curl -fsS "http://127.0.0.1:$port/readyz" | grep -q ready || fail "/readyz"
curl -fsS "http://127.0.0.1:$port/" | grep -qi '<html' || fail "the web UI is not served"
kill -TERM $pid
wait $pid || fail "the server did not exit cleanly on SIGTERM"
echo "package ok: $(basename "$deb") ($(grep -c . <<<"$contents") entries)"
