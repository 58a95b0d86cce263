#!/usr/bin/env bash
# Fails when a source file includes a layer it must not depend on (docs/architecture.md):
#   gateway/core   -> gateway/flows, adapters, app, sim
#   gateway/flows  -> adapters, app, sim
#   adapters       -> app, sim
# Includes are repository-root-relative ("gateway/core/store/database.hpp"); a quoted include
# that climbs with "../" is refused too, since it would slip past the rule.
# Usage: check_layers.sh <repository root>. Run by ctest as layer_includes.
set -euo pipefail
root=${1:?usage: check_layers.sh <repository root>}
cd "$root"

# Known exceptions, each "file:included path", to be removed by the work named beside it.
# An exception that no longer occurs is reported so that the list shrinks with the code.
exceptions=()

status=0
used=()
check() {  # check <folder> <forbidden prefix>...
  local folder=$1
  shift
  [ -d "$folder" ] || return 0
  local pattern
  pattern=$(printf '|%s/' "$@")
  pattern="^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<](${pattern:1}|[^\">]*\\.\\./)"
  while IFS=: read -r file line text; do
    local target
    target=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]*)[">].*/\1/' <<<"$text")
    local key="$file:$target"
    local e allowed=0
    for e in "${exceptions[@]}"; do
      if [ "$e" = "$key" ]; then
        allowed=1
        used+=("$key")
      fi
    done
    if [ $allowed = 0 ]; then
      echo "$file:$line: forbidden include \"$target\" ($folder must not depend on it)"
      status=1
    fi
  done < <(grep -rnE --include='*.cpp' --include='*.hpp' --include='*.h' "$pattern" "$folder" || true)
}

check gateway/core gateway/flows adapters app sim
check gateway/flows adapters app sim
check adapters app sim

for e in "${exceptions[@]}"; do
  found=0
  for u in "${used[@]+"${used[@]}"}"; do
    [ "$u" = "$e" ] && found=1
  done
  if [ $found = 0 ] && [ -f "${e%%:*}" ]; then
    echo "exception no longer needed, remove it from scripts/check_layers.sh: $e"
    status=1
  fi
done

if [ $status = 0 ]; then
  echo "layer includes: ok"
fi
exit $status
