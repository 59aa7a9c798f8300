"""`kcz build`: config, kernels, execution, HTML export (reader and analyst views), run folders."""
