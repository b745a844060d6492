/* datapath/dp_srv.h must compile on its own, likewise. */
#include "datapath/dp_srv.h"
