from claimcheck.app.cli import main

main()
