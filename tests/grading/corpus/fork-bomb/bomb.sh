# A fork bomb: every call forks two more and waits for them. Each process stays alive, so
# the count climbs to the pids cgroup's limit whatever the machine's speed (the classic
# `b | b &` without the wait lets its parents exit: whether it reaches the limit before the
# app is declared never ready would depend on timing).
b() { b | b & wait; }
b
wait
