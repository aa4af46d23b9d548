#!/usr/bin/env bash
# Installs a built CryptoSmartTrader on this machine as a systemd service, idempotently.
#
#   deploy/setup.sh                              # once: ONNX Runtime, CMake, Node, ...
#   cargo build --release --workspace --bins     # the binaries
#   sudo deploy/install.sh [--dry-run] [--prefix DIR] [--no-enable]
#
# What it does (each step is skipped when already done, so re-running is safe):
#   - copies `cst`, `cst-supervisor` (what `cst up` execs), the eight agent binaries
#     (cst-collector, cst-technical, cst-sentiment, cst-whale, cst-ml, cst-risk,
#     cst-portfolio, cst-health) and `cst-ml-train` (the ml agent's training runs) from
#     ${CARGO_TARGET_DIR:-target}/release into PREFIX/bin (default /usr/local/bin). They must
#     sit side by side: the supervisor starts `cst-<agent>` from the directory of its own
#     executable (crates/config/src/validate.rs, AgentSpec::argv). If the service is running
#     and a binary changed, it is stopped first and started again afterwards, so an old
#     supervisor never restarts a new agent;
#   - creates the system user `cryptosmarttrader` and its home /var/lib/cryptosmarttrader
#     (0700), the instance's HOME (data/, logs/, run/, reports/);
#   - writes /etc/cryptosmarttrader/config.toml only if absent: every key of
#     config/default.toml, commented out, plus the ONNX Runtime path and the loopback
#     Prometheus port (health.tcp_addr = 127.0.0.1:9464); and an empty secrets.env (0600);
#   - installs the unit /etc/systemd/system/cryptosmarttrader.service; with systemd running,
#     `systemctl daemon-reload` and `systemctl enable` (not start).
#
# Options:
#   --dry-run      print what would be done, change nothing (no root needed)
#   --prefix DIR   install binaries into DIR/bin (default: $PREFIX or /usr/local)
#   --no-enable    install the unit but do not enable it
# Environment:
#   CARGO_TARGET_DIR  where cargo put the build (default: target/ in the repository)
#   ORT_DYLIB_PATH    ONNX Runtime's shared library (default: where deploy/setup.sh puts it)
#   DESTDIR           stage the files under this directory instead of / (packaging, tests):
#                     no user, no ownership changes, no systemctl
set -euo pipefail

SERVICE=cryptosmarttrader
SERVICE_USER=cryptosmarttrader
STATE_DIR=/var/lib/cryptosmarttrader
CONF_DIR=/etc/cryptosmarttrader
UNIT_DIR=/etc/systemd/system
DEFAULT_ORT=/opt/cryptosmarttrader/onnxruntime-1.32.0/onnxruntime/capi/libonnxruntime.so.1.32.0
AGENTS=(collector technical sentiment whale ml risk portfolio health)

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${PREFIX:-/usr/local}"
dry_run=0
enable=1
destdir="${DESTDIR:-}"

usage() { sed -n '2,/^set -euo pipefail$/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

while (($#)); do
    case "$1" in
        --dry-run) dry_run=1 ;;
        --no-enable) enable=0 ;;
        --prefix)
            [ $# -ge 2 ] || { echo "install: --prefix needs a directory" >&2; exit 2; }
            prefix="$2"
            shift
            ;;
        --prefix=*) prefix="${1#--prefix=}" ;;
        -h | --help) usage; exit 0 ;;
        *) echo "install: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

case "$prefix" in
    /*) ;;
    *) echo "install: --prefix must be an absolute path, got $prefix" >&2; exit 2 ;;
esac
prefix="${prefix%/}"
bindir="$prefix/bin"
docdir="$prefix/share/doc/$SERVICE"
ort="${ORT_DYLIB_PATH:-$DEFAULT_ORT}"

target="${CARGO_TARGET_DIR:-target}"
case "$target" in
    /*) ;;
    *) target="$repo/$target" ;;
esac
release="$target/release"

say() { echo "install: $*"; }
die() { echo "install: $*" >&2; exit 1; }

# Runs a command, or only prints it with --dry-run.
run() {
    if ((dry_run)); then
        printf '+'
        printf ' %q' "$@"
        printf '\n'
    else
        "$@"
    fi
}

# Writes stdin to FILE with MODE (and owner/group unless staging), atomically; prints instead
# with --dry-run.
write_file() { # file mode owner group
    local file="$1" mode="$2" owner="$3" group="$4" tmp
    if ((dry_run)); then
        say "would write $file (mode $mode, $owner:$group):"
        sed 's/^/    | /'
        return
    fi
    tmp="$(mktemp "$(dirname "$file")/.install.XXXXXX")"
    cat >"$tmp"
    chmod "$mode" "$tmp"
    [ -n "$destdir" ] || chown "$owner:$group" "$tmp"
    mv -f "$tmp" "$file"
}

systemd_running() { [ -z "$destdir" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }

# --- checks -----------------------------------------------------------------------------------
if ((!dry_run)) && [ -z "$destdir" ] && [ "$(id -u)" -ne 0 ]; then
    die "run as root (sudo $0), or with --dry-run to see what it would do"
fi
# `cst up` execs cst-supervisor; the ml agent starts cst-ml-train for its training runs.
binaries=(cst cst-supervisor cst-ml-train)
for a in "${AGENTS[@]}"; do binaries+=("cst-$a"); done
missing=()
for b in "${binaries[@]}"; do
    [ -x "$release/$b" ] || missing+=("$b")
done
if ((${#missing[@]})); then
    msg="missing in $release: ${missing[*]}: build first with \`cargo build --release --workspace --bins\` (deploy/setup.sh installs what the build needs)"
    if ((dry_run)); then say "warning: $msg"; else die "$msg"; fi
fi
if [ ! -e "$ort" ]; then
    msg="ONNX Runtime not found at $ort: run deploy/setup.sh, or set ORT_DYLIB_PATH to the library"
    if ((dry_run)); then say "warning: $msg"; else die "$msg"; fi
fi
[ -r "$repo/config/default.toml" ] || die "cannot read $repo/config/default.toml"
[ -r "$repo/deploy/systemd/$SERVICE.service" ] || die "cannot read $repo/deploy/systemd/$SERVICE.service"
if ((dry_run)); then say "dry run: nothing is changed"; fi
if [ -n "$destdir" ]; then say "staging under DESTDIR=$destdir (no user, no ownership, no systemctl)"; fi

# --- the service user and its home ------------------------------------------------------------
if [ -n "$destdir" ]; then
    :
elif id -u "$SERVICE_USER" >/dev/null 2>&1; then
    say "user $SERVICE_USER exists"
else
    nologin="$(command -v nologin || echo /usr/sbin/nologin)"
    run useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
        --shell "$nologin" --comment "CryptoSmartTrader service" "$SERVICE_USER"
fi
if [ -n "$destdir" ]; then
    run install -d -m 0700 "$destdir$STATE_DIR"
else
    run install -d -m 0700 -o "$SERVICE_USER" -g "$SERVICE_USER" "$STATE_DIR"
fi

# --- binaries ---------------------------------------------------------------------------------
changed=()
for b in "${binaries[@]}"; do
    if [ -e "$destdir$bindir/$b" ] && cmp -s "$release/$b" "$destdir$bindir/$b"; then
        continue
    fi
    changed+=("$b")
done
restart_after=0
if ((${#changed[@]} == 0)); then
    say "binaries in $bindir are up to date"
else
    if systemd_running && systemctl is-active --quiet "$SERVICE.service"; then
        say "$SERVICE is running: stopping it while its binaries change (started again at the end)"
        run systemctl stop "$SERVICE.service"
        restart_after=1
    fi
    run install -d -m 0755 "$destdir$bindir"
    for b in "${changed[@]}"; do
        # install(1) unlinks the old file first: no "text file busy", and a process still
        # running the old binary keeps it.
        run install -m 0755 "$release/$b" "$destdir$bindir/$b"
    done
    if ((dry_run)); then say "would install ${changed[*]} into $bindir"; else say "installed ${changed[*]} into $bindir"; fi
fi

# --- configuration ----------------------------------------------------------------------------
if [ -n "$destdir" ]; then
    run install -d -m 0750 "$destdir$CONF_DIR"
else
    run install -d -m 0750 -o root -g "$SERVICE_USER" "$CONF_DIR"
fi
if [ -e "$destdir$CONF_DIR/config.toml" ]; then
    say "$CONF_DIR/config.toml exists: left as it is"
else
    {
        cat <<EOF
# CryptoSmartTrader configuration for the $SERVICE systemd service, written by
# deploy/install.sh. The service reads it through CST_CONFIG (see the unit); the built-in
# defaults (config/default.toml) apply to every key not set here, and CST_<SECTION>__<KEY>
# environment variables (e.g. in $CONF_DIR/secrets.env) override both.
# After editing: \`systemctl reload $SERVICE\` (validates the file first; the supervisor's own
# timings, agent commands and log settings need \`systemctl restart $SERVICE\`).
#
# Only the keys below differ from the defaults. Every other key is listed further down,
# commented out, with its default; to change one, uncomment it under its section. [health]
# and [ml] are already open here: put their keys below, not under a second header.

[health]
# Serve /health and /metrics on loopback TCP for Prometheus (deploy/prometheus/prometheus.yml).
tcp_addr = "127.0.0.1:9464"

[ml]
onnxruntime = "$ort"

# ---- config/default.toml, every key with its default ----------------------------------------
EOF
        sed -E 's/^([^#])/# \1/' "$repo/config/default.toml"
    } | write_file "$destdir$CONF_DIR/config.toml" 0640 root "$SERVICE_USER"
fi
if [ -e "$destdir$CONF_DIR/secrets.env" ]; then
    say "$CONF_DIR/secrets.env exists: left as it is"
else
    write_file "$destdir$CONF_DIR/secrets.env" 0600 root root <<'EOF'
# Secrets for the cryptosmarttrader service, as CST_<SECTION>__<KEY>=value lines. systemd reads
# this file (as root) before starting the service; keep it 0600 root. Uncomment what you use.
# CST_HEALTH__ALERTS__WEBHOOK_URL=https://hooks.slack.com/services/...
# CST_SENTIMENT__LLM__API_KEY=...
# CST_PORTFOLIO__LIVE__API_KEY=...
# CST_PORTFOLIO__LIVE__API_SECRET=...
EOF
fi

# --- documentation and the unit ---------------------------------------------------------------
run install -d -m 0755 "$destdir$docdir"
for doc in README.md deploy/README.md; do
    name="$(basename "$doc")"
    [ "$doc" = deploy/README.md ] && name=DEPLOY.md
    if [ -r "$repo/$doc" ] && ! cmp -s "$repo/$doc" "$destdir$docdir/$name"; then
        run install -m 0644 "$repo/$doc" "$destdir$docdir/$name"
    fi
done

unit_changed=0
unit_file="$destdir$UNIT_DIR/$SERVICE.service"
unit="$(sed -e "s#/usr/local/bin/cst #$bindir/cst #" \
    -e "s#/usr/local/share/doc/$SERVICE/#$docdir/#g" \
    -e "s#^Environment=ORT_DYLIB_PATH=.*#Environment=ORT_DYLIB_PATH=$ort#" \
    "$repo/deploy/systemd/$SERVICE.service")"
if [ -e "$unit_file" ] && [ "$(cat "$unit_file")" = "$unit" ]; then
    say "$UNIT_DIR/$SERVICE.service is up to date"
else
    run install -d -m 0755 "$destdir$UNIT_DIR"
    printf '%s\n' "$unit" | write_file "$unit_file" 0644 root root
    unit_changed=1
fi

if systemd_running; then
    if ((unit_changed)); then run systemctl daemon-reload; fi
    if ((enable)); then
        if systemctl is-enabled --quiet "$SERVICE.service" 2>/dev/null; then
            say "$SERVICE is enabled"
        else
            run systemctl enable "$SERVICE.service"
        fi
    fi
    if ((restart_after)); then
        run systemctl start "$SERVICE.service"
    fi
    say "done. Start: systemctl start $SERVICE; state: systemctl status $SERVICE"
elif [ -n "$destdir" ]; then
    say "done (staged under $destdir)"
else
    if ((dry_run)); then is="would be"; else is="is"; fi
    say "systemd is not running on this machine (no /run/systemd/system): the unit $is installed but"
    say "neither loaded nor enabled (re-run this script once systemd runs); without systemd run:"
    say "  sudo -u $SERVICE_USER env CST_CONFIG=$CONF_DIR/config.toml ORT_DYLIB_PATH=$ort $bindir/cst --home $STATE_DIR up"
fi
say "CLI: sudo -u $SERVICE_USER env CST_HOME=$STATE_DIR CST_CONFIG=$CONF_DIR/config.toml $bindir/cst status"
