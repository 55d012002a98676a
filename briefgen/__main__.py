from briefgen.cli import main

if __name__ == "__main__":  # not when a PDF worker re-imports the main module
    main()
