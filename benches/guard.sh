#!/usr/bin/env bash
# Instruction-count guard for the monthly step (see benches/budget.toml).
#
# Counts the instructions spent inside the kernel `partnersim run` uses under callgrind
# (engine::rollout::kernel_lanes_v3 or kernel_lanes_portable, whichever this CPU runs; never
# inlined: several rollouts advanced together, model::lanes),
# divides by the professional-months simulated, and compares with that kernel's committed
# budget. Start-up and output (parsing, charts, files) are counted and printed separately, so
# the budget is about the model alone. Prints the figures either way.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null 2>&1; then
  echo "guard: installing valgrind" >&2
  apt-get update -qq && apt-get install -y -qq valgrind >/dev/null
fi

budget_file=benches/budget.toml
value() { sed -n "s/^$1 *= *\([0-9.]*\).*/\1/p" "$budget_file"; }
tolerance=$(value tolerance)
rollouts=$(value rollouts)

cargo build --release --locked --quiet
bin=target/release/partnersim
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

collected() { sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$1" | tail -n 1; }
run() {
  valgrind --tool=callgrind --callgrind-out-file="$scratch/cg.out" "$@" \
    "$bin" run scenarios/reference.toml --rollouts "$rollouts" --threads 1 --seed 1 \
    --out "$scratch/out" --force >/dev/null 2>"$scratch/log"
  collected "$scratch/log"
}
kernel=$(run "--toggle-collect=*engine::rollout::kernel_*")
# Each kernel has its own budget: the x86-64-v3 copy does the same work in fewer instructions.
if grep -q 'engine::rollout::kernel_lanes_v3' "$scratch/cg.out"; then
  name="x86-64-v3 lanes"
  budget=$(value v3_instructions_per_professional_month)
elif grep -q 'engine::rollout::kernel_lanes_portable' "$scratch/cg.out"; then
  name="portable lanes"
  budget=$(value portable_instructions_per_professional_month)
else
  echo "guard: FAIL: neither lanes kernel ran (no engine::rollout::kernel_lanes_* in the profile)" >&2
  exit 1
fi
if [ -z "$kernel" ] || [ "$kernel" -eq 0 ]; then
  echo "guard: FAIL: no instructions counted inside the kernel" >&2
  exit 1
fi
total=$(run)

months=$(sed -n 's/^months *= *\([0-9]*\).*/\1/p' scenarios/reference.toml)
posts=$("$bin" check scenarios/reference.toml | awk '/^\[agencies\.[a-z_]*\.posts\]/{p=1;next} /^\[/{p=0} p && /=/{s+=$3} END{print s}')
pm=$((rollouts * months * posts))

python3 - "$kernel" "$total" "$pm" "$budget" "$tolerance" "$name" <<'PY'
import sys
kernel, total, pm = (int(x) for x in sys.argv[1:4])
budget, tolerance = float(sys.argv[4]), float(sys.argv[5])
name = sys.argv[6]
per_pm = kernel / pm
limit = budget * (1 + tolerance)
print(f"guard: {per_pm:.1f} instructions per professional-month in the {name} kernel "
      f"(budget {budget:.1f}, limit {limit:.1f}; {pm} professional-months)")
print(f"guard: start-up and output: {total - kernel:,} instructions "
      f"(whole process {total:,})")
if per_pm > limit:
    print(f"guard: FAIL: {per_pm:.1f} exceeds the budget by {100 * (per_pm / budget - 1):.1f}% "
          f"(tolerance {100 * tolerance:.0f}%)")
    sys.exit(1)
if per_pm < budget * (1 - 2 * tolerance):
    print(f"guard: note: {100 * (1 - per_pm / budget):.1f}% under budget; lower the budget in benches/budget.toml")
print("guard: OK")
PY
