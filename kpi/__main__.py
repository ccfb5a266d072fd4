from kpi.cli import main

if __name__ == "__main__":  # not when a worker process of a batch imports it (spawn)
    main()
