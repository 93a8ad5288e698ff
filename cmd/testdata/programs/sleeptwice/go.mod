module example.com/sleeptwice

go 1.22
