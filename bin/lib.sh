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

# up_to_date stamp file… — whether stamp holds the hash of these files, as mark_up_to_date left it after an install.
up_to_date() {
  local stamp=$1
  shift
  [[ -f $stamp && $(cat "$stamp") == "$(cat "$@" | sha256sum | cut -d' ' -f1)" ]]
}
mark_up_to_date() {
  local stamp=$1
  shift
  cat "$@" | sha256sum | cut -d' ' -f1 >"$stamp"
}

# ensure_venv [file] — .venv with a requirements file installed (requirements.txt unless given; bin/test gives
# requirements-dev.txt, which includes it); pip runs again only when one of the two files changed.
ensure_venv() {
  local requirements=${1:-requirements.txt}
  local python=${PYTHON:-python3}
  if [[ ! -x .venv/bin/python ]]; then
    section "Creating .venv"
    "$python" -m venv .venv || die "could not create .venv (on Debian's own Python: apt-get install python3-venv)"
  fi
  local stamp=.venv/.${requirements%.txt}.sha256
  if ! up_to_date "$stamp" requirements.txt "$requirements"; then
    section "Installing $requirements"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    mark_up_to_date "$stamp" requirements.txt "$requirements"
  fi
}

# node_modules from package-lock.json (axe-core for the browser tests). npm ci empties node_modules first, even
# through a symbolic link, so it runs only when package-lock.json changed since the last one.
ensure_node_modules() {
  local stamp=node_modules/.package-lock.sha256
  up_to_date "$stamp" package-lock.json && return 0
  section "Installing axe-core (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  mark_up_to_date "$stamp" package-lock.json
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
