// Every test here starts real hosts, brokers, devices or browsers; on a two-core machine they run
// one at a time so that none of them is starved into a false failure.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
