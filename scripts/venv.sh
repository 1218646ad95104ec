# Sourced by the other scripts: find a Python and make a virtualenv with the project in it.
# find_python VERSION prints a python executable of that version, or nothing.
find_python() {
  local v="$1" cand
  for cand in "python$v" "$HOME/.pyenv/versions/$v"*/bin/python"$v" /usr/bin/python"$v" /usr/local/bin/python"$v"; do
    if "$cand" -c 'import sys' >/dev/null 2>&1; then command -v "$cand" 2>/dev/null || echo "$cand"; return 0; fi
  done
  return 1
}

# make_venv DIR PYTHON REQUIREMENTS...: create DIR if missing and install requirements plus this project.
make_venv() {
  local dir="$1" py="$2"; shift 2
  if [ ! -x "$dir/bin/python" ]; then
    echo "== creating $dir with $py"
    "$py" -m venv "$dir"
  fi
  local stamp="$dir/.installed" want
  want=$(cat "$@" setup.py tutor-plugin/pyproject.toml 2>/dev/null | sha256sum | cut -c1-16)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$dir/bin/python" -m pip install -q --upgrade pip setuptools wheel
    local args=()
    for req in "$@"; do args+=(-r "$req"); done
    "$dir/bin/python" -m pip install -q "${args[@]}"
    "$dir/bin/python" -m pip install -q --no-deps -e .
    # The Tutor plugin is its own small distribution; the tests load it the way Tutor does.
    if grep -q '^tutor' "$@" 2>/dev/null; then
      "$dir/bin/python" -m pip install -q --no-deps -e ./tutor-plugin
    fi
    echo "$want" > "$stamp"
  fi
}
