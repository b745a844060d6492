/* schema/schema.h must compile on its own: it is the first and only include. */
#include "schema/schema.h"
