module example.com/handedge

go 1.22
