/* datapath/dp.h must compile on its own: it is the first and only include. */
#include "datapath/dp.h"
