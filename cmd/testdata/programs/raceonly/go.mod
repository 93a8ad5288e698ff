module example.com/raceonly

go 1.22
