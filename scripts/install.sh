#!/usr/bin/env bash
# Installs what Manchette and its tests need on a Debian 12 machine; safe to run again and again.
# Each step is skipped when its inputs have not changed since it last succeeded.
set -euo pipefail
cd "$(dirname "$0")/.."

# varnish, varnish-modules (xkey): the Varnish test (tests/test_varnish.py); systemd: systemd-analyze verify of
# the units in deploy/systemd (tests/test_deploy.py).
APT_PACKAGES=(chromium fonts-dejavu-core nginx-light wrk gettext dovecot-imapd varnish varnish-modules systemd)
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 npm_config_fund=false npm_config_audit=false

step() { printf '==> %s\n' "$*"; }

# A step's stamp holds the checksum of its inputs: same checksum, nothing to redo.
checksum() { cat "$@" | sha256sum | cut -d' ' -f1; }
up_to_date() { local stamp=$1; shift; [[ -f $stamp && $(cat "$stamp") == "$(checksum "$@")" ]]; }
mark_done() { local stamp=$1; shift; checksum "$@" >"$stamp"; }

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

missing=()
# Debian's own python3 needs python3-venv for `python3 -m venv`.
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
# The W3C Nu HTML checker (npm vnu-jar, tests/validators) runs on the machine's Java: any JRE 11 or later will do.
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if ((${#missing[@]})); then
    step "Paquets Debian : ${missing[*]}"
    as_root apt-get update -qq
    as_root apt-get install -y -qq "${missing[@]}" >/dev/null
else
    step "Paquets Debian : déjà installés"
fi

# A .venv copied along with the repository still points at the old place: its scripts would run the old code.
made_for=$(cat .venv/.manchette-path 2>/dev/null || true)
if [[ -n $made_for && $made_for != "$PWD" ]]; then
    step "Environnement Python : .venv vient de $made_for, recréé ici"
    python3 -m venv --clear .venv
elif [[ ! -x .venv/bin/python ]]; then
    step "Environnement Python : création de .venv"
    python3 -m venv .venv
fi
echo "$PWD" >.venv/.manchette-path
if up_to_date .venv/.manchette-installed pyproject.toml; then
    step "Dépendances Python : à jour"
else
    step "Dépendances Python : pip install -e '.[test]' (quelques minutes la première fois)"
    .venv/bin/python -m pip install --quiet --quiet --editable '.[test]'
    mark_done .venv/.manchette-installed pyproject.toml
fi

if up_to_date node_modules/.manchette-installed package-lock.json; then
    step "Paquets npm : à jour"
else
    step "Paquets npm : npm ci"
    # No install scripts: vnu-jar's would download a Java from GitHub when it finds none (Debian's is installed above).
    npm ci --loglevel=error --no-audit --no-fund --ignore-scripts
    mark_done node_modules/.manchette-installed package-lock.json
fi

if [[ -d manchette/locale ]]; then
    step "Traductions : compilation des catalogues"
    .venv/bin/manchette compilemessages --verbosity 0 --ignore .venv --ignore node_modules --ignore var
fi

step "Installation terminée"
