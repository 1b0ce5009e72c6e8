//go:build noastran

package engines

import (
	"errors"

	"github.com/astran-oss/astran-go/bench/internal/workload"
)

type Astran struct{}

func (Astran) Name() string                           { return "astran" }
func (Astran) Sources(w *workload.Workload) [][]byte  { return iamSources(w) }
func (Astran) Compile(*workload.Workload) (Prepared, error) { return nil, errors.New("stub") }
const haveAstran = false
