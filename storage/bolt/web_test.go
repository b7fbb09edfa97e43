package bolt

import (
	"testing"

	"sparkbot/storage/storetest"
)

func TestWebStoreContract(t *testing.T) {
	storetest.RunWebStore(t, func(t *testing.T) storetest.WebStore { return openTemp(t) })
}
