// The classes start clusters of their own and a browser; run them one after another so that none of them measures
// another's load (the whole assembly still takes well under a minute).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
