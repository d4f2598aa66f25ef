from stubs.delivery import main

main()
