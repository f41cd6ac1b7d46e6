#!/usr/bin/env bash
# Installs the Debian packages the tests drive for real, when they are missing:
# chromium (headless browser), python3-feedparser (feed parser), libxml2-utils (xmllint), tmux (pseudo-terminal),
# strace (a SIGKILL or an error injected at an exact system call),
# nginx and curl (a real web server whose access log news views import reads),
# a Java runtime for the Nu Html Checker (vnu-jar from npm),
# zsh and fish (news completion zsh|fish run in the real shells), man (the installed man page),
# vi (news edit driven in a real editor).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
/usr/bin/python3 -c 'import feedparser' 2>/dev/null || missing+=(python3-feedparser)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v strace >/dev/null 2>&1 || missing+=(strace)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
# A real editor for news edit in a pseudo-terminal (test/life/editor-tty.test.ts drives vi by keystrokes).
command -v vi >/dev/null 2>&1 || missing+=(vim-tiny)
command -v zsh >/dev/null 2>&1 || missing+=(zsh)
command -v fish >/dev/null 2>&1 || missing+=(fish)
command -v man >/dev/null 2>&1 || missing+=(man-db)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Paquets Debian manquants pour les tests : ${missing[*]} (installez-les avec apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "Installation des paquets Debian nécessaires aux tests : ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
