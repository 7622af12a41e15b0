from claimcheck.app.entry import main

main()
