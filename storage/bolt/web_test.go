package bolt

import (
	"testing"

	"sparkbot/storage/storetest"
)

func TestWebStoreContract(t *testing.T) {
	storetest.RunWebStore(t, func(t *testing.T) storetest.WebStore { return openTemp(t) })
}

func TestStatsStoreContract(t *testing.T) {
	storetest.RunStatsStore(t, func(t *testing.T) storetest.StatsStore { return openTemp(t) })
}
