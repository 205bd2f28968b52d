module github.com/smsdash/smsdash

go 1.26.8

require (
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/nyaruka/phonenumbers v1.8.1 // indirect
	golang.org/x/text v0.23.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)
