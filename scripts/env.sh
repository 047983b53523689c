# Sourced by the scripts: a virtualenv in .venv with the harness and its dev tools, made
# once and refreshed when pyproject.toml changes.
venv=.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# shellcheck source=/dev/null
source "$venv/bin/activate"
stamp="$venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  python -m pip install -q --upgrade pip
  python -m pip install -q -e '.[dev]'
  rm -f "$venv"/.installed-* && touch "$stamp"
fi
