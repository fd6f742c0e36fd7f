"""Data files shipped with the package: the sample bible, the offline writer's phrases, the
human baseline and the platform presets (a package so setuptools ships it explicitly)."""
