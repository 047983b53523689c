# Sourced by the scripts: a virtualenv in .venv with the harness and its dev tools, made
# once and refreshed when pyproject.toml changes. The repository's folder is found from this
# file, so it may be sourced from anywhere (a venv made in the current folder would be another).
harness_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$harness_root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# shellcheck source=/dev/null
source "$venv/bin/activate"
stamp="$venv/.installed-$(sha1sum "$harness_root/pyproject.toml" | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  python -m pip install -q --upgrade pip
  python -m pip install -q -e "$harness_root[dev]"
  rm -f "$venv"/.installed-* && touch "$stamp"
fi
