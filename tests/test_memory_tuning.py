import subprocess
import sys


def test_the_wall_limits_malloc_arenas_itself():
    """In a fresh interpreter without MALLOC_ARENA_MAX, mallopt accepts the limit (glibc)."""
    code = (
        "import os; os.environ.pop('MALLOC_ARENA_MAX', None)\n"
        "from viewer.memory_tuning import limit_malloc_arenas\n"
        "print(limit_malloc_arenas())\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "MALLOC_ARENA_MAX"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "True"
