/* datapath/dp_io.h must compile on its own: the first and only include. */
#include "datapath/dp_io.h"
