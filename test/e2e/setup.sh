#!/usr/bin/env bash
# Installs the real editors the end-to-end tests drive, offline except for Debian's mirror and the
# npm registry. Idempotent: each piece is installed only when missing, so a second run takes ~1 s.
# Used by `npm run test:e2e` and by .ci/run. Recipes and workarounds: the real-clients guide.
#   - Neovim 0.7 (Debian), Emacs 28 + eglot 1.9 + yaml-mode (Debian)
#   - Debian Chromium, driven by playwright-core (a devDependency)
#   - pre-commit 3 (Debian), for the hook in .pre-commit-hooks.yaml
#   - code-server 4.100.3 (the last release on Node 20) into test/e2e/.cache/code-server
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${E2E_CACHE:-$HERE/.cache}
CS_VERSION=4.100.3
CS_PREFIX=$CACHE/code-server
CS_BIN=$CS_PREFIX/node_modules/.bin/code-server
# Any code-server command without --config writes ~/.config/code-server/config.yaml (with a password).
cs() { "$CS_BIN" --config "$CACHE/empty-config.yaml" "$@"; }
mkdir -p "$CACHE" && : > "$CACHE/empty-config.yaml"
t0=$(date +%s)
log() { echo "[setup +$(( $(date +%s) - t0 ))s] $*"; }

# --- Debian packages -------------------------------------------------------------------------------
pkgs=()
command -v nvim >/dev/null || pkgs+=(neovim)
command -v strace >/dev/null || pkgs+=(strace)   # the robustness security test traces the server
command -v emacs >/dev/null || pkgs+=(emacs-nox)
ls -d /usr/share/emacs/site-lisp/elpa/eglot-* >/dev/null 2>&1 || pkgs+=(elpa-eglot)
ls -d /usr/share/emacs/site-lisp/elpa/yaml-mode-* >/dev/null 2>&1 || pkgs+=(elpa-yaml-mode)
command -v chromium >/dev/null || pkgs+=(chromium)
command -v pre-commit >/dev/null || pkgs+=(pre-commit)   # the hook test (precommit.test.ts)
if [ ! -x "$CS_BIN" ]; then
  # Only code-server's build needs these: kerberos's headers, and rg to seed @vscode/ripgrep.
  command -v rg >/dev/null || pkgs+=(ripgrep)
  command -v pkg-config >/dev/null || pkgs+=(pkg-config)
  [ -f /usr/include/gssapi/gssapi.h ] || pkgs+=(libkrb5-dev)
fi
if [ ${#pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "setup: need root to apt-get install ${pkgs[*]}" >&2; exit 1; fi
  log "apt-get install ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  log "apt done"
fi

# --- code-server -----------------------------------------------------------------------------------
if [ ! -x "$CS_BIN" ] || ! cs --version 2>/dev/null | grep -q "^$CS_VERSION "; then
  log "npm install code-server@$CS_VERSION into $CS_PREFIX"
  rm -rf "$CS_PREFIX"; mkdir -p "$CS_PREFIX"
  # (1) @vscode/ripgrep's postinstall downloads rg from GitHub; seed its cache with Debian's rg.
  RGC=$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11
  mkdir -p "$RGC"
  [ -f "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ] || \
    tar czf "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
  # A private package.json keeps npm from walking up into the project's own package.json.
  echo '{"name":"e2e-code-server","private":true}' > "$CS_PREFIX/package.json"
  # (2) node-pty's postinstall runs `npx node-gyp`: without a TTY npx needs yes=true.
  # (3) as root the postinstall needs --unsafe-perm.
  ( cd "$CS_PREFIX" && npm_config_yes=true npm install --no-audit --no-fund --loglevel=error \
      --unsafe-perm "code-server@$CS_VERSION" </dev/null )
  cs --version | head -1
  log "code-server installed"
fi
log "ready: $(nvim --version | head -1), $(emacs --version | head -1), $(chromium --version 2>/dev/null | tail -1), code-server $(cs --version | head -1 | cut -d' ' -f1)"
