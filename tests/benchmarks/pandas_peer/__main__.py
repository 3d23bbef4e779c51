from tests.benchmarks.pandas_peer import main

main()
