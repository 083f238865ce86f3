"""The built-in demo: a simulated city of cameras on 127.0.0.1, its catalog and training catalog."""
