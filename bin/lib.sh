# Shared by bin/serve and bin/test (sourced, not run). Expects the repository root as the working directory.

section() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '%s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# Install Debian packages when running as root; otherwise say what to install and stop.
apt_install() {
  is_root || die "missing: $* — install with: sudo apt-get install $*"
  export DEBIAN_FRONTEND=noninteractive
  if [[ -z ${IDM_APT_UPDATED:-} ]]; then
    apt-get update -qq
    IDM_APT_UPDATED=1
  fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# .venv with requirements.txt installed; skips pip when requirements.txt has not changed since the last install.
ensure_venv() {
  local python=${PYTHON:-python3}
  if [[ ! -x .venv/bin/python ]]; then
    section "Creating .venv"
    "$python" -m venv .venv || die "could not create .venv (on Debian's own Python: apt-get install python3-venv)"
  fi
  local stamp=.venv/.requirements.sha256
  local wanted
  wanted=$(sha256sum requirements.txt | cut -d' ' -f1)
  if [[ ! -f $stamp || $(cat "$stamp") != "$wanted" ]]; then
    section "Installing requirements.txt"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$wanted" >"$stamp"
  fi
}

# gettext's msgfmt, which `manage.py compilemessages` runs.
ensure_msgfmt() {
  command -v msgfmt >/dev/null && return 0
  if is_root; then
    section "Installing gettext (msgfmt)"
    apt_install gettext
  else
    return 1
  fi
}

has_po_files() { [[ -n $(find locale -name '*.po' -print -quit 2>/dev/null) ]]; }

compile_messages() {
  DJANGO_DEBUG=${DJANGO_DEBUG:-1} .venv/bin/python manage.py compilemessages --ignore .venv --ignore node_modules --ignore staticfiles
}
