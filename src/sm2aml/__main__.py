from sm2aml.cli import main

main()
