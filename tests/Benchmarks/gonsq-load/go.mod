module nsqaspire/gonsq-load

go 1.19

require (
	github.com/golang/snappy v0.0.1 // indirect
	github.com/nsqio/go-nsq v1.1.0
)
