package event

import "encoding/json"

// Marshal encodes ev as one log line, newline included.
func Marshal(ev *Event) ([]byte, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
