module example.com/stdoutlock

go 1.22
