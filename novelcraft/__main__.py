from novelcraft.cli import main

main()
