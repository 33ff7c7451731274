/* pdenn: one include for apps and tests. */
#pragma once
#include <pdenn/core.h>
#include <pdenn/op.h>
#include <pdenn/pde.h>
