"""Generic conference scheduling (Pylyavskyy, Jacko & Kheiri, EJOR 2024; CSPLib benchmark)."""
