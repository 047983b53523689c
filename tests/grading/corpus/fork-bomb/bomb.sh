# The classic: every call forks two more, forever. The pids cgroup must stop it.
b() { b | b & }
b
wait
