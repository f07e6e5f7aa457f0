from labourwatch.cli import main

main()
