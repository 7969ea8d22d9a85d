"""The scan rules, one module each; importing a module registers its rule."""
