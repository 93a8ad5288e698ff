module github.com/lockscope/lockscope

go 1.22
