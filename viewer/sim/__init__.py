"""Camera simulator: fake cameras on 127.0.0.1 for the demo, the tests and the benchmarks.

Pure Python (asyncio); no Qt, no vlc, so it runs inside the frozen Windows app too.
"""
